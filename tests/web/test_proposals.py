"""Proposals: submit, browse, search, support, review; bad input leaves the database as it was."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from participate.audit.models import AuditEntry
from participate.core.events import SUBSCRIBERS
from participate.extensions import db
from participate.processes.models import Phase
from participate.proposals import services
from participate.proposals.models import Follow, Proposal, Support
from tests.conftest import login, post_form
from tests.factories import make_process, make_proposal, make_user


@pytest.fixture
def open_process(app):
    """A published process in its proposals phase (the first phase started today)."""
    return make_process(budget_minor=1_000_000_00)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def submit(client, process, **overrides):
    data = {
        "title": "More benches in Pildammsparken",
        "summary": "Older residents need places to rest.",
        "description": "Ten benches along the lake path.",
        "cost": "120 000",
        "district": "None",
        "category": "None",
        "publish": "Publish",
        **overrides,
    }
    new = f"/processes/{process.slug}/proposals/new"
    return post_form(client, new, data, token_from=new)


def test_a_confirmed_resident_submits_and_the_public_sees_it(client, as_user, open_process):
    author = make_user()
    as_user(author)
    response = submit(client, open_process)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    proposal = db.session.execute(select(Proposal)).scalar_one()
    assert (proposal.status, proposal.cost_minor, proposal.author_id) == ("submitted", 120_000_00, author.id)
    assert count(Follow) == 1  # authors follow their own proposals
    listing = client.get(f"/processes/{open_process.slug}/proposals/").get_data(as_text=True)
    assert "More benches in Pildammsparken" in listing
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Ten benches" in page and "Edit" in page


def test_a_draft_is_seen_by_its_author_only_until_published(app, client, as_user, open_process):
    author = make_user()
    as_user(author)
    submit(client, open_process, publish="", save_draft="Save as draft")
    proposal = db.session.execute(select(Proposal)).scalar_one()
    assert proposal.status == "draft" and proposal.published_at is None
    assert client.get(f"/proposals/{proposal.id}").status_code == 200
    stranger = app.test_client()
    listing = f"/processes/{open_process.slug}/proposals/"
    assert stranger.get(f"/proposals/{proposal.id}").status_code == 404
    assert "More benches in Pildammsparken" not in stranger.get(listing).get_data(as_text=True)

    edit = f"/proposals/{proposal.id}/edit"
    fields = {
        "title": "More benches in Pildammsparken",
        "summary": "Older residents need places to rest.",
        "description": "Ten benches along the lake path.",
        "cost": "120 000",
        "district": "None",
        "category": "None",
        "publish": "Publish",
    }
    assert post_form(client, edit, fields, token_from=edit).status_code == 302
    db.session.expire_all()
    assert proposal.status == "submitted" and proposal.published_at is not None
    assert stranger.get(f"/proposals/{proposal.id}").status_code == 200
    assert "More benches in Pildammsparken" in stranger.get(listing).get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost", "2 000 000", "more than the budget"),
        ("cost", "-5", "Write an amount"),
        ("title", "x" * 151, "Field must be between"),
        ("title", "Benches\nat the lake", "must be on one line"),
        ("title", "Benches\u2028at the lake", "must be on one line"),
        ("title", "\u200b\u200b\u200b\u200b\u200b\u200b", "no visible characters"),
        ("title", "Benches \u202eekal eht ta", "change the direction"),
        ("summary", "Rest\r\nBcc: everyone@example.org", "must be on one line"),
        ("summary", "", "This field is required"),
        ("district", "99999", "Not a valid choice"),
        ("latitude", "91", "Number must be between"),
    ],
)
def test_bad_input_gets_a_message_and_writes_nothing(client, as_user, open_process, field, value, message):
    as_user(make_user())
    response = submit(client, open_process, **{field: value})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(Proposal) == 0


def test_script_and_html_in_every_text_field_render_inert(client, as_user, open_process):
    as_user(make_user())
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert (
        submit(
            client, open_process, title=f"Park {payload}", summary=payload, description=payload
        ).status_code
        == 302
    )
    proposal = db.session.execute(select(Proposal)).scalar_one()
    for path in (f"/proposals/{proposal.id}", f"/processes/{open_process.slug}/proposals/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(2)&gt;", ""
        )
        assert "&lt;script&gt;" in html


def test_outside_the_proposals_phase_submitting_is_refused_clearly(client, as_user):
    process = make_process(days_in=10)  # the proposals week is over: it is in deliberation
    as_user(make_user())
    response = client.get(f"/processes/{process.slug}/proposals/new")
    assert (
        response.status_code == 403
        and "only while the process is in its proposals phase" in response.get_data(as_text=True)
    )
    assert count(Proposal) == 0


def test_unconfirmed_people_must_confirm_first(client, as_user, open_process):
    as_user(make_user(confirmed=False))
    response = client.get(f"/processes/{open_process.slug}/proposals/new")
    assert response.status_code == 403 and "Confirm your email address" in response.get_data(as_text=True)


def test_someone_else_s_proposal_cannot_be_edited_or_withdrawn(client, as_user, open_process):
    proposal = make_proposal(open_process)
    as_user(make_user())
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403
    assert post_form(client, f"/proposals/{proposal.id}/withdraw", {"reason": "mine now"}).status_code == 403
    db.session.expire_all()
    assert proposal.status == "submitted"


def _png(size=(40, 30), exif=True) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 40, 40))
    if exif:
        data = image.getexif()
        data[0x010F] = "SecretCameraMaker"
        image.save(buffer, "JPEG", exif=data.tobytes())
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def test_images_are_re_encoded_without_metadata_and_non_images_are_refused(
    app, client, as_user, open_process
):
    as_user(make_user())
    with_image = submit(client, open_process, image=(io.BytesIO(_png()), "holiday.jpg"))
    assert with_image.status_code == 302
    proposal = db.session.execute(select(Proposal)).scalar_one()
    assert proposal.image_filename.endswith(".jpg") and "holiday" not in proposal.image_filename
    served = client.get(f"/proposals/images/{proposal.image_filename}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert b"SecretCameraMaker" not in served.data
    fake = submit(
        client, open_process, title="Not a picture at all", image=(io.BytesIO(b"GIF89a not really"), "x.gif")
    )
    assert fake.status_code == 400 and "not an image" in fake.get_data(as_text=True)
    huge = submit(
        client,
        open_process,
        title="A far too large picture",
        image=(io.BytesIO(b"0" * (50 * 1024 * 1024)), "big.jpg"),
    )
    assert huge.status_code == 413
    assert count(Proposal) == 1
    assert client.get("/proposals/images/..%2f..%2fconfig.py").status_code == 404


def test_search_stems_in_the_process_language_and_filters_combine(client, open_process):
    make_proposal(open_process, title="New trees in the parks", summary="Shade for everyone")
    make_proposal(open_process, title="Safer bike lanes", summary="Paint and kerbs")
    make_proposal(open_process, title="Library opening hours", summary="Evenings", status="withdrawn")
    listing = client.get(f"/processes/{open_process.slug}/proposals/?q=park").get_data(as_text=True)
    assert "New trees in the parks" in listing and "Safer bike lanes" not in listing
    swedish = make_process()
    swedish.language = "sv"
    db.session.commit()
    make_proposal(swedish, title="Fler träd i parkerna", summary="Skugga")
    found = client.get(f"/processes/{swedish.slug}/proposals/?q=parken").get_data(as_text=True)
    assert "Fler träd i parkerna" in found
    assert "Library" in client.get(f"/processes/{open_process.slug}/proposals/?status=withdrawn").get_data(
        as_text=True
    )
    assert "Library" not in client.get(
        f"/processes/{open_process.slug}/proposals/?status=submitted"
    ).get_data(as_text=True)
    nothing = client.get(f"/processes/{open_process.slug}/proposals/?q=%22%27%3B--").get_data(as_text=True)
    assert "No proposals match" in nothing


def test_random_order_is_stable_for_a_visitor_across_pages(client, open_process):
    for n in range(45):
        make_proposal(open_process, title=f"Idea number {n:02d}")
    pages = [
        client.get(f"/processes/{open_process.slug}/proposals/?sort=random&page={p}").get_data(as_text=True)
        for p in (1, 2, 3)
    ]
    again = [
        client.get(f"/processes/{open_process.slug}/proposals/?sort=random&page={p}").get_data(as_text=True)
        for p in (1, 2, 3)
    ]
    titles = [sorted(t for t in (f"Idea number {n:02d}" for n in range(45)) if t in page) for page in pages]
    assert titles == [
        sorted(t for t in (f"Idea number {n:02d}" for n in range(45)) if t in page) for page in again
    ]
    assert sum(len(t) for t in titles) == 45 and len(set().union(*map(set, titles))) == 45


def test_supports_are_one_per_person_limited_and_withdrawable(client, as_user, open_process):
    staff = make_user("staff")
    services.set_proposal_settings(staff, open_process, ["Parks"], supports_per_person=2)
    db.session.commit()
    proposals = [make_proposal(open_process) for _ in range(3)]
    as_user(make_user())
    for proposal in proposals[:2]:
        assert (
            post_form(
                client, f"/proposals/{proposal.id}/support", token_from=f"/proposals/{proposal.id}"
            ).status_code
            == 302
        )
    twice = post_form(
        client, f"/proposals/{proposals[0].id}/support", token_from=f"/proposals/{proposals[0].id}"
    )
    assert twice.status_code == 400 and "already support" in twice.get_data(as_text=True)
    third = post_form(
        client, f"/proposals/{proposals[2].id}/support", token_from=f"/proposals/{proposals[2].id}"
    )
    assert third.status_code == 400 and "used all your supports" in third.get_data(as_text=True)
    assert (
        post_form(
            client, f"/proposals/{proposals[0].id}/unsupport", token_from=f"/proposals/{proposals[0].id}"
        ).status_code
        == 302
    )
    assert (
        post_form(
            client, f"/proposals/{proposals[2].id}/support", token_from=f"/proposals/{proposals[2].id}"
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert [p.support_count for p in proposals] == [0, 1, 1] and count(Support) == 2
    assert "1 support" in client.get(f"/processes/{open_process.slug}/proposals/").get_data(as_text=True)


def test_supports_close_with_the_proposals_phase(client, as_user):
    process = make_process(days_in=10)
    proposal = make_proposal(process)
    as_user(make_user())
    response = post_form(client, f"/proposals/{proposal.id}/support", token_from=f"/proposals/{proposal.id}")
    assert response.status_code == 403 and "only during the proposals phase" in response.get_data(
        as_text=True
    )
    assert count(Support) == 0


def test_review_decisions_are_audited_announced_and_close_editing(app, client, as_user, open_process):
    reviewer = make_user()
    staff = make_user("staff")
    from participate.processes import services as process_services

    process_services.grant_process_role(staff, open_process, reviewer.email, "reviewer")
    db.session.commit()
    author = make_user()
    proposal = make_proposal(open_process, author)
    heard = []
    SUBSCRIBERS["proposal.answered"].append(lambda proposal, actor: heard.append((proposal.id, actor.id)))
    try:
        as_user(reviewer)
        url = f"/manage/proposals/{proposal.id}/review"
        refused = post_form(client, url, {"decision": "not_feasible", "answer": ""}, token_from=url)
        assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
        ok = post_form(
            client,
            url,
            {"decision": "feasible", "answer": "We can build it.", "adjusted_cost": "90 000"},
            token_from=url,
        )
        assert ok.status_code == 302
    finally:
        SUBSCRIBERS["proposal.answered"].pop()
    db.session.expire_all()
    assert (proposal.status, proposal.adjusted_cost_minor, proposal.effective_cost) == (
        "feasible",
        90_000_00,
        90_000_00,
    )
    assert heard == [(proposal.id, reviewer.id)]
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "proposal.reviewed")
    ).scalar_one()
    assert entry.actor_id == reviewer.id and '"to":"feasible"' in entry.data
    author_client = app.test_client()
    login(author_client, author.email)
    closed = author_client.get(f"/proposals/{proposal.id}/edit")
    assert closed.status_code == 403 and "Staff have answered" in closed.get_data(as_text=True)


def test_merging_moves_supporters_and_followers_once_each(app, open_process):
    staff = make_user("staff")
    source, target = make_proposal(open_process), make_proposal(open_process)
    both, only_source = make_user(), make_user()
    for person, proposal in ((both, source), (both, target), (only_source, source)):
        services.support_proposal(person, proposal)
        services.follow_proposal(person, proposal, True)
    db.session.commit()
    services.review_proposal(
        staff,
        source,
        services.Decision(services.ProposalStatus.MERGED, "Same idea.", merged_into_id=target.id),
    )
    db.session.commit()
    db.session.expire_all()
    assert (source.status, source.merged_into_id, source.support_count, target.support_count) == (
        "merged",
        target.id,
        0,
        2,
    )
    followers = {
        f.user_id for f in db.session.execute(select(Follow).where(Follow.proposal_id == target.id)).scalars()
    }
    assert {both.id, only_source.id} <= followers


def test_a_resident_cannot_review(client, as_user, open_process):
    proposal = make_proposal(open_process)
    as_user(make_user())
    assert client.get(f"/manage/proposals/{proposal.id}/review").status_code == 403
    assert client.get(f"/manage/processes/{open_process.id}/proposals").status_code == 403


def test_the_process_page_links_to_its_proposals(client, open_process):
    make_proposal(open_process)
    page = client.get(f"/processes/{open_process.slug}").get_data(as_text=True)
    assert f"/processes/{open_process.slug}/proposals/" in page and "1 proposal so far" in page


def test_similar_proposals_work_as_a_plain_link(client, open_process):
    make_proposal(open_process, title="Benches along the lake")
    page = client.get(f"/processes/{open_process.slug}/proposals/similar?title=bench").get_data(as_text=True)
    assert "Benches along the lake" in page


def test_phase_is_proposals_in_the_fixture(open_process):
    assert open_process.current_phase(open_process.windows()[0].starts_on) is Phase.PROPOSALS


def test_the_similar_list_comes_as_a_fragment_for_the_script(client, open_process):
    make_proposal(open_process, title="Benches along the lake")
    fragment = client.get(f"/processes/{open_process.slug}/proposals/similar?title=benches&fragment=1")
    html = fragment.get_data(as_text=True)
    assert "Benches along the lake" in html and "<html" not in html


def test_a_proposal_has_its_own_discussion_and_the_card_counts_it(client, open_process):
    from participate.deliberation import services as deliberation
    from participate.deliberation.subjects import resolve

    proposal = make_proposal(open_process)
    subject = resolve("proposal", proposal.id)
    first = deliberation.post_comment(make_user(), subject, "Yes, the lake path needs this.", "in_favour")
    deliberation.reply_to(make_user(), first, "Agreed.", None)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).comment_count == 2
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Yes, the lake path needs this." in page
    assert "2 comments" in client.get(f"/processes/{open_process.slug}/proposals/").get_data(as_text=True)


def test_the_map_loads_only_when_a_tile_server_is_named(app, client):
    process = make_process()
    proposal = make_proposal(process, latitude=55.605, longitude=13.0038)
    page = client.get(f"/proposals/{proposal.id}")
    assert "leaflet" not in page.get_data(as_text=True)
    assert "img-src 'self' data:;" in page.headers["Content-Security-Policy"]
    app.config["MAP_TILE_URL"] = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    response = client.get(f"/proposals/{proposal.id}")
    html = response.get_data(as_text=True)
    assert "/static/vendor/leaflet/leaflet.js" in html and 'data-latitude="55.605"' in html
    assert "img-src 'self' data: https://*.tiles.example.org" in response.headers["Content-Security-Policy"]


def test_random_order_works_with_large_ids(app, open_process):
    """The shuffle multiplies ids: on PostgreSQL that must not overflow a 32-bit integer."""
    make_proposal(open_process, id=2_000_000_000, title="A proposal with a large id")
    make_proposal(open_process, title="And another one")
    page = services.browse(open_process, services.Filters(sort="random", seed=123_456), page=1)
    assert {p.title for p in page.items} == {"A proposal with a large id", "And another one"}


def test_the_image_file_is_written_only_when_the_proposal_commits(app, open_process, tmp_path):
    from participate.core.after_commit import commit, rollback

    data = services.ProposalInput("Benches by the lake", "Rest", "", 100_00, image=_png())
    author = make_user()
    services.create_proposal(author, open_process, data, publish_now=True, image_folder=tmp_path)
    rollback()
    assert list(tmp_path.iterdir()) == []
    kept = services.create_proposal(author, open_process, data, publish_now=True, image_folder=tmp_path)
    name = kept.image_filename
    commit()
    assert [path.name for path in tmp_path.iterdir()] == [name]


def _one_bit_png(side: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_pixel_flood_is_refused_before_it_is_decoded(client, as_user, open_process, monkeypatch):
    from participate.proposals import images

    flood = _one_bit_png(6320)  # 4.9 KB, 40 megapixels: passed the old limit, then became 160 MB of RGB
    assert len(flood) < 6000 and images.MAX_PIXELS < 6320 * 6320
    monkeypatch.setattr(images.Image.Image, "load", lambda *a: pytest.fail("decoded a refused picture"))
    as_user(make_user())
    response = submit(
        client, open_process, publish="", save_draft="Save as draft", image=(io.BytesIO(flood), "f.png")
    )
    assert response.status_code == 400 and "too many pixels" in response.get_data(as_text=True)
    assert count(Proposal) == 0


@pytest.mark.parametrize(
    ("mode", "size", "kind"),
    [
        ("RGB", (6000, 4000), "JPEG"),
        ("1", (4800, 4800), "PNG"),
        ("P", (4000, 4000), "GIF"),
        ("RGB", (4000, 100), "PNG"),
    ],
)
def test_a_large_picture_is_decoded_reduced_and_never_converted_at_full_size(monkeypatch, mode, size, kind):
    from participate.proposals import images

    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, kind)
    from PIL.JpegImagePlugin import JpegImageFile

    converted, drafts, original_convert, original_draft = [], [], Image.Image.convert, JpegImageFile.draft

    def spy_convert(image, *args, **kwargs):
        converted.append(image.size)
        return original_convert(image, *args, **kwargs)

    def spy_draft(image, *args, **kwargs):
        drafts.append(args)
        return original_draft(image, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "convert", spy_convert)
    monkeypatch.setattr(JpegImageFile, "draft", spy_draft)
    picture = images.decode_reduced(buffer.getvalue())
    bound = 2 * images.LONGEST_SIDE
    assert picture.mode == "RGB" and max(picture.size) <= bound
    assert converted and all(max(side) <= bound for side in converted)
    assert bool(drafts) == (kind == "JPEG")  # a JPEG is decoded already scaled down


def test_image_work_is_one_picture_per_person_and_a_few_per_process(app, monkeypatch):
    from participate.core.errors import Conflict
    from participate.proposals import images

    picture = _png(exif=False)
    with images.decode_turn(person_id=1):
        with pytest.raises(Conflict, match="previous image is still being processed"):
            images.prepare_image(picture, person_id=1)
        assert images.prepare_image(picture, person_id=2)[0].endswith(".jpg")
    monkeypatch.setattr(images, "WAIT_FOR_A_TURN_SECONDS", 0)
    held = [images.decode_turn(person_id=100 + n) for n in range(images.PARALLEL_DECODES)]
    for turn in held:
        turn.__enter__()
    try:
        with pytest.raises(Conflict, match="Many images are being processed"):
            images.prepare_image(picture, person_id=3)
    finally:
        for turn in held:
            turn.__exit__(None, None, None)
    assert images.prepare_image(picture, person_id=3)[0].endswith(".jpg")


def test_drafts_per_person_are_capped_with_a_clear_message(client, as_user, open_process):
    from participate.proposals.services import MAX_DRAFTS_PER_PERSON

    author = make_user()
    as_user(author)
    for n in range(MAX_DRAFTS_PER_PERSON):
        assert (
            submit(
                client, open_process, title=f"Draft number {n}", publish="", save_draft="Save as draft"
            ).status_code
            == 302
        )
    refused = submit(client, open_process, title="One draft too many", publish="", save_draft="Save as draft")
    assert refused.status_code == 400 and "the most one person can keep" in refused.get_data(as_text=True)
    assert count(Proposal) == MAX_DRAFTS_PER_PERSON
    assert submit(client, open_process, title="Published straight away").status_code == 302
