"""Deliberation threads on a process: posting, replies, stances, edits, deletion, votes, summary."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from participate.core.clock import utcnow
from participate.core.errors import ValidationFailed
from participate.core.events import SUBSCRIBERS, subscribe
from participate.deliberation import services
from participate.deliberation.models import Comment, CommentMention, CommentVote, Thread
from participate.deliberation.subjects import resolve
from participate.extensions import db
from participate.processes.models import Process, ProcessRole
from tests.conftest import csrf_token, login, post_form
from tests.factories import make_comment, make_process, make_user


@pytest.fixture
def events():
    """What the deliberation domain published, as (event, data) pairs."""
    seen = []
    names = ("comment.posted", "comment.replied", "comment.mentioned")
    added = []
    for name in names:

        def record(_name=name, **data):
            seen.append(
                (_name, {key: value.id for key, value in data.items() if key != "url"})
            )  # ids outlive the request

        subscribe(name)(record)
        added.append((name, record))
    yield seen
    for name, fn in added:
        SUBSCRIBERS[name].remove(fn)


def page_of(client, process):
    return client.get(f"/processes/{process.slug}").get_data(as_text=True)


def post(client, process, data):
    return post_form(
        client, f"/deliberation/process/{process.id}/comments", data, token_from=f"/processes/{process.slug}"
    )


def comments():
    return db.session.execute(select(Comment).order_by(Comment.id)).scalars().all()


def thread_of(process) -> Thread:
    return services.find_thread("process", process.id)


def counts(process):
    t = thread_of(process)
    db.session.refresh(t)
    return (t.comment_count, t.in_favour_count, t.neutral_count, t.against_count)


# --- posting -----------------------------------------------------------------------------------------


def test_a_resident_posts_a_comment_with_a_stance_and_lands_on_its_anchor(app, client, events):
    process, resident = make_process(), make_user(name="Ada Lind")
    login(client, resident.email)
    response = post(client, process, {"body": "More **trees** on the square", "stance": "in_favour"})
    assert response.status_code == 302
    [comment] = comments()
    assert response.headers["Location"] == f"/processes/{process.slug}#comment-{comment.id}"
    assert (comment.author_id, comment.stance, comment.depth, comment.body) == (
        resident.id,
        "in_favour",
        0,
        "More **trees** on the square",
    )
    assert comment.path == f"{comment.id:010d}"
    assert counts(process) == (1, 1, 0, 0)
    assert [name for name, _ in events] == ["comment.posted"]
    html = page_of(client, process)
    assert "<strong>trees</strong>" in html and "Ada Lind" in html and 'id="discussion"' in html


def test_a_top_level_comment_needs_a_stance_and_a_body(app, client):
    process, resident = make_process(), make_user()
    login(client, resident.email)
    response = post(client, process, {"body": "No position taken"})
    assert response.status_code == 400
    assert "Say whether you are in favour, neutral or against." in response.get_data(as_text=True)
    response = post(client, process, {"body": "   ", "stance": "neutral"})
    assert response.status_code == 400
    assert comments() == [] and thread_of(process) is None


def test_an_oversized_comment_is_refused_and_nothing_is_stored(app, client):
    process, resident = make_process(), make_user()
    login(client, resident.email)
    response = post(client, process, {"body": "x" * 5_001, "stance": "against"})
    assert response.status_code == 400
    assert comments() == []
    with pytest.raises(ValidationFailed):
        services.post_comment(resident, resolve("process", process.id), "y" * 5_001, "against")


def test_stored_script_and_html_render_inert(app, client):
    process, resident = make_process(), make_user()
    login(client, resident.email)
    evil = '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) "><b>'
    assert post(client, process, {"body": evil, "stance": "neutral"}).status_code == 302
    html = page_of(client, process)
    assert "<script>alert(1)" not in html and "<img" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html.split('id="discussion"')[1]


def test_visitors_log_in_unconfirmed_people_are_told_why_and_drafts_do_not_exist(app, client):
    process, unconfirmed = make_process(), make_user(confirmed=False)
    assert "Log in to take part in the discussion." in page_of(client, process)
    token = csrf_token(client, f"/processes/{process.slug}")
    response = client.post(
        f"/deliberation/process/{process.id}/comments",
        data={"csrf_token": token, "body": "hi", "stance": "neutral"},
    )
    assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    login(client, unconfirmed.email)
    assert "Confirm your email address to take part in the discussion." in page_of(client, process)
    response = post(client, process, {"body": "hi", "stance": "neutral"})
    assert response.status_code == 403
    draft = make_process(published=False)
    assert client.get(f"/deliberation/process/{draft.id}").status_code == 404
    assert comments() == []


def test_a_finished_or_upcoming_process_closes_its_discussion(app, client):
    finished, upcoming, resident = make_process(days_in=60), make_process(days_in=-10), make_user()
    login(client, resident.email)
    assert "This process has finished, so its discussion is closed." in page_of(client, finished)
    assert "The discussion opens when the process starts." in page_of(client, upcoming)
    assert post(client, finished, {"body": "late", "stance": "against"}).status_code == 403
    assert comments() == []


# --- replies -------------------------------------------------------------------------------------------


def test_replies_go_three_levels_deep_and_a_fourth_is_refused(app, client, events):
    process, alice, bob = make_process(), make_user(), make_user()
    top = make_comment(alice, process, stance="against")
    r1 = make_comment(bob, process, parent=top, stance=None)
    r2 = make_comment(alice, process, parent=r1, stance="neutral")
    r3 = make_comment(bob, process, parent=r2, stance=None)
    assert [(c.depth, c.root_id, c.parent_id) for c in (r1, r2, r3)] == [
        (1, top.id, top.id),
        (2, top.id, r1.id),
        (3, top.id, r2.id),
    ]
    assert r3.path == f"{top.id:010d}/{r1.id:010d}/{r2.id:010d}/{r3.id:010d}"
    assert counts(process) == (4, 0, 1, 1)
    login(client, alice.email)
    before = len(comments())
    response = post_form(
        client,
        f"/deliberation/comments/{r3.id}/replies",
        {"body": "deeper"},
        token_from=f"/processes/{process.slug}",
    )
    assert response.status_code == 400
    assert "Replies go at most three levels deep" in response.get_data(as_text=True)
    assert len(comments()) == before
    # The page offers no reply form on a third-level reply.
    assert f'action="/deliberation/comments/{r3.id}/replies"' not in page_of(client, process)
    assert f'action="/deliberation/comments/{r2.id}/replies"' in page_of(client, process)
    response = post_form(
        client,
        f"/deliberation/comments/{r1.id}/replies",
        {"body": "ok"},
        token_from=f"/processes/{process.slug}",
    )
    assert response.status_code == 302
    reply = comments()[-1]
    assert response.headers["Location"].endswith(f"#comment-{reply.id}")
    replied = [data for name, data in events if name == "comment.replied"]
    assert replied[-1] == {"comment": reply.id, "parent": r1.id}


# --- editing and deleting --------------------------------------------------------------------------------


def test_the_author_edits_within_fifteen_minutes_and_the_counts_follow_the_stance(app, client):
    process, alice = make_process(), make_user()
    comment = make_comment(alice, process, "First thought", stance="in_favour")
    login(client, alice.email)
    path = f"/deliberation/comments/{comment.id}/edit"
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"body": "Second thought", "stance": "against"}, token_from=path)
    assert response.status_code == 302
    db.session.refresh(comment)
    assert comment.body == "Second thought" and comment.edited_at is not None
    assert counts(process) == (1, 0, 0, 1)
    assert "(edited)" in page_of(client, process)
    comment.created_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    response = post_form(
        client, path, {"body": "Third", "stance": "against"}, token_from=f"/processes/{process.slug}"
    )
    assert response.status_code == 403
    db.session.refresh(comment)
    assert comment.body == "Second thought"


def test_nobody_edits_or_deletes_someone_elses_comment(app, client):
    process, alice, mallory = make_process(), make_user(), make_user()
    comment = make_comment(alice, process, "Mine")
    login(client, mallory.email)
    token_page = f"/processes/{process.slug}"
    edit = post_form(
        client,
        f"/deliberation/comments/{comment.id}/edit",
        {"body": "Hacked", "stance": "against"},
        token_from=token_page,
    )
    delete = post_form(client, f"/deliberation/comments/{comment.id}/delete", {}, token_from=token_page)
    assert (edit.status_code, delete.status_code) == (403, 403)
    db.session.refresh(comment)
    assert (comment.body, comment.stance, comment.deleted_at, comment.edited_at) == (
        "Mine",
        "in_favour",
        None,
        None,
    )
    assert counts(process) == (1, 1, 0, 0)


def test_deleting_leaves_a_tombstone_that_keeps_the_replies(app, client):
    process, alice, bob = make_process(), make_user(), make_user()
    top = make_comment(alice, process, "Secret plan", stance="in_favour")
    make_comment(bob, process, "An answer", parent=top, stance="against")
    login(client, alice.email)
    response = post_form(
        client, f"/deliberation/comments/{top.id}/delete", {}, token_from=f"/processes/{process.slug}"
    )
    assert response.status_code == 302
    db.session.refresh(top)
    assert top.deleted_at is not None and top.body == ""
    assert counts(process) == (1, 0, 0, 1)
    html = page_of(client, process)
    assert "Comment deleted by its author" in html and "An answer" in html and "Secret plan" not in html


def test_a_hidden_comment_shows_the_moderation_reason_instead_of_its_body(app, client):
    process, alice = make_process(), make_user()
    comment = make_comment(alice, process, "Rude words")
    comment.hidden_at, comment.hidden_reason = utcnow(), "Personal attack"
    services.recount_thread(comment.thread)
    db.session.commit()
    html = page_of(client, process)
    assert "Hidden by moderation: Personal attack" in html and "Rude words" not in html
    assert counts(process) == (0, 0, 0, 0)


# --- votes ------------------------------------------------------------------------------------------------


def vote(client, process, comment, direction):
    return post_form(
        client,
        f"/deliberation/comments/{comment.id}/vote",
        {"direction": direction},
        token_from=f"/processes/{process.slug}",
    )


def test_votes_are_one_per_person_changeable_and_removable(app, client):
    process, alice, bob = make_process(), make_user(), make_user()
    comment = make_comment(alice, process)
    login(client, bob.email)
    assert vote(client, process, comment, "up").status_code == 302
    assert vote(client, process, comment, "up").status_code == 302  # again: still one vote
    db.session.refresh(comment)
    assert (comment.upvotes, comment.downvotes) == (1, 0)
    assert db.session.scalar(select(func.count()).select_from(CommentVote)) == 1
    assert comment.score == pytest.approx(services.wilson_lower_bound(1, 0))
    assert 'aria-pressed="true"' in page_of(client, process)
    vote(client, process, comment, "down")
    db.session.refresh(comment)
    assert (comment.upvotes, comment.downvotes) == (0, 1)
    vote(client, process, comment, "none")
    db.session.refresh(comment)
    assert (comment.upvotes, comment.downvotes, comment.score) == (0, 0, 0.0)
    assert db.session.scalar(select(func.count()).select_from(CommentVote)) == 0
    assert vote(client, process, comment, "sideways").status_code == 400


def test_nobody_votes_on_their_own_comment(app, client):
    process, alice = make_process(), make_user()
    comment = make_comment(alice, process)
    login(client, alice.email)
    assert vote(client, process, comment, "up").status_code == 403
    db.session.refresh(comment)
    assert comment.upvotes == 0 and db.session.scalar(select(func.count()).select_from(CommentVote)) == 0


def test_the_unique_constraint_refuses_a_second_vote_row(app):
    process, alice, bob = make_process(), make_user(), make_user()
    comment = make_comment(alice, process)
    db.session.add(CommentVote(comment_id=comment.id, user_id=bob.id, value=1))
    db.session.commit()
    db.session.add(CommentVote(comment_id=comment.id, user_id=bob.id, value=-1))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_wilson_score_ranks_many_good_votes_above_a_single_one():
    assert services.wilson_lower_bound(0, 0) == 0.0
    assert services.wilson_lower_bound(1, 0) == pytest.approx(0.2065, abs=1e-3)
    assert (
        services.wilson_lower_bound(90, 10)
        > services.wilson_lower_bound(5, 0)
        > services.wilson_lower_bound(1, 0)
    )
    assert services.wilson_lower_bound(10, 10) > services.wilson_lower_bound(1, 1)


def test_sort_orders_best_newest_oldest(app, client):
    process, alice = make_process(), make_user()
    voters = [make_user() for _ in range(3)]
    first, second, third = (make_comment(alice, process, f"Comment {n}") for n in ("one", "two", "three"))
    for voter in voters:
        services.vote_on(voter, second, "up")
    services.vote_on(voters[0], first, "up")
    db.session.commit()
    subject = resolve("process", process.id)

    def order(sort):
        return [node.comment.id for node in services.thread_view(None, subject, sort=sort).nodes]

    assert order("best") == [second.id, first.id, third.id]
    assert order("newest") == [third.id, second.id, first.id]
    assert order("oldest") == [first.id, second.id, third.id]
    assert order("nonsense") == order("best")
    html = client.get(f"/processes/{process.slug}?comments_sort=oldest").get_data(as_text=True)
    assert html.index("Comment one") < html.index("Comment two") < html.index("Comment three")


# --- mentions, summary ----------------------------------------------------------------------------------


def test_mentions_name_people_who_took_part_and_an_edit_does_not_repeat_them(app, events):
    process = make_process()
    anna, berg, twin1, twin2 = (make_user(name=n) for n in ("Anna", "Anna Berg", "Sam Lee", "Sam Lee"))
    outsider = make_user(name="Outsider")
    for person in (anna, berg, twin1, twin2):
        make_comment(person, process)
    author = make_user()
    comment = make_comment(author, process, "Thanks @anna berg and @Anna, not @Sam Lee nor @Outsider")
    mentioned = [data["mentioned"] for name, data in events if name == "comment.mentioned"]
    assert sorted(mentioned) == sorted([anna.id, berg.id])
    assert outsider.id not in mentioned
    stored = set(db.session.execute(select(CommentMention.user_id)).scalars())
    assert stored == {anna.id, berg.id}
    events.clear()
    services.edit_comment(author, comment, comment.body + " and again @Anna", "in_favour")
    db.session.commit()
    assert [name for name, _ in events] == []


def test_a_facilitator_pins_the_summary_and_a_resident_cannot(app, client):
    process, facilitator, resident = make_process(), make_user(), make_user()
    db.session.add(ProcessRole(process_id=process.id, user_id=facilitator.id, role="facilitator"))
    db.session.commit()
    path = f"/deliberation/process/{process.id}/summary"
    login(client, resident.email)
    assert "Pin a summary" not in page_of(client, process)
    assert client.get(path).status_code == 403
    assert (
        post_form(client, path, {"summary": "Nope"}, token_from=f"/processes/{process.slug}").status_code
        == 403
    )
    assert thread_of(process) is None
    other = client.application.test_client()
    login(other, facilitator.email)
    response = post_form(other, path, {"summary": "We heard: **shade** matters"}, token_from=path)
    assert response.status_code == 302
    thread = thread_of(process)
    assert thread.summary == "We heard: **shade** matters" and thread.summary_by_id == facilitator.id
    html = page_of(client, process)
    assert "What we heard" in html and "<strong>shade</strong>" in html


# --- pages and queries -------------------------------------------------------------------------------------


def count_queries(fn):
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def seed_thread(process, people, n_comments):
    """n_comments in a thread: top-level comments, each with replies two deep, some votes."""
    subject = resolve("process", process.id)
    made = 0
    while made < n_comments:
        top = services.post_comment(people[made % 3], subject, f"Top {made}", "neutral")
        made += 1
        parent = top
        for depth in range(2):
            if made >= n_comments:
                break
            parent = services.reply_to(people[(made + depth + 1) % 3], parent, f"Reply {made}", None)
            made += 1
        services.vote_on(people[(made + 1) % 3], top, "up")
    db.session.commit()


def test_the_queries_of_a_thread_page_do_not_grow_with_the_comments(app, client):
    people = [make_user() for _ in range(3)]
    small, large = make_process(), make_process()
    seed_thread(small, people, 10)
    seed_thread(large, people, 300)
    login(client, people[0].email)
    small_page = count_queries(lambda: client.get(f"/processes/{small.slug}"))
    large_page = count_queries(lambda: client.get(f"/processes/{large.slug}"))
    print(f"queries per process page: 10 comments {small_page}, 300 comments {large_page}")
    assert small_page == large_page
    # The whole process page: session, process, its parts (proposals, vote, results, map, panels), the
    # thread, the bell: a constant budget, whatever the comments.
    assert large_page <= 22
    html = client.get(f"/processes/{large.slug}").get_data(as_text=True)
    assert "Page 1 of 2" in html and "comments_page=2" in html


def test_a_link_to_a_comment_lands_on_its_page(app, client):
    people = [make_user() for _ in range(3)]
    process = make_process()
    seed_thread(process, people, 180)  # 60 top-level comments: two pages
    oldest_reply = (
        db.session.execute(select(Comment).where(Comment.depth == 1).order_by(Comment.id)).scalars().first()
    )
    response = client.get(f"/deliberation/comments/{oldest_reply.id}?sort=newest")
    assert response.status_code == 302
    assert response.headers["Location"] == (
        f"/processes/{process.slug}?comments_sort=newest&comments_page=2#comment-{oldest_reply.id}"
    )
    page_two = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'id="comment-{oldest_reply.id}"' in page_two


def test_get_or_create_thread_returns_the_existing_row(app):
    process = make_process()
    first = services.get_or_create_thread("process", process.id)
    db.session.commit()
    assert services.get_or_create_thread("process", process.id).id == first.id
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1


def test_the_standalone_thread_page_and_an_unknown_subject(app, client):
    process, alice = make_process(), make_user()
    make_comment(alice, process, "Standalone")
    response = client.get(f"/deliberation/process/{process.id}")
    assert response.status_code == 200 and "Standalone" in response.get_data(as_text=True)
    assert client.get("/deliberation/nothing/1").status_code == 404
    assert client.get(f"/deliberation/process/{process.id + 99}").status_code == 404


def test_the_demo_has_lively_threads_on_the_open_processes(app, client):
    from participate.demo import seed_demo

    seed_demo()
    db.session.commit()
    threads = db.session.execute(select(Thread).where(Thread.subject_type == "process")).scalars().all()
    assert len(threads) == 3  # the processes in their proposals, deliberation and voting phases
    proposal_threads = db.session.execute(select(Thread).where(Thread.subject_type == "proposal")).scalars()
    assert all(thread.comment_count >= 2 for thread in proposal_threads)
    hidden = db.session.execute(select(Comment).where(Comment.hidden_at.is_not(None))).scalars().all()
    assert [comment.hidden_reason for comment in hidden] == ["Advertising is not allowed in the discussion."]
    for thread in threads:
        assert thread.summary and thread.comment_count >= 10
        assert thread.in_favour_count and thread.against_count
    assert db.session.scalar(select(func.count()).select_from(Comment).where(Comment.depth > 0)) >= 18
    assert db.session.scalar(select(func.count()).select_from(CommentVote)) > 20
    process = db.session.get(Process, threads[0].subject_id)
    html = page_of(client, process)
    assert "What we heard" in html and "Helpful" in html


def test_posting_is_rate_limited_per_person(make_app):
    app = make_app(RATELIMIT_ENABLED=True, COMMENT_RATE_LIMIT="2 per minute")
    client = app.test_client()
    process, resident = make_process(), make_user()
    login(client, resident.email)
    statuses = [
        post(client, process, {"body": f"Note {n}", "stance": "neutral"}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert len(comments()) == 2


def test_removed_comments_take_no_votes_or_replies_and_replies_may_skip_the_stance(app, client):
    process, alice, bob = make_process(), make_user(), make_user()
    top = make_comment(alice, process, stance="neutral")
    login(client, bob.email)
    page = f"/processes/{process.slug}"
    response = post_form(
        client, f"/deliberation/comments/{top.id}/replies", {"body": "No position"}, token_from=page
    )
    assert response.status_code == 302
    reply = comments()[-1]
    assert (reply.stance, reply.depth) == (None, 1)
    assert counts(process) == (2, 0, 1, 0)
    services.delete_comment(alice, top)
    db.session.commit()
    assert vote(client, process, top, "up").status_code == 403
    response = post_form(
        client, f"/deliberation/comments/{top.id}/replies", {"body": "Hello?"}, token_from=page
    )
    assert response.status_code == 400
    assert "This comment was removed, so it cannot be answered." in response.get_data(as_text=True)
    assert len(comments()) == 2 and db.session.scalar(select(func.count()).select_from(CommentVote)) == 0
    # The author edits their stance-less reply without having to take a position.
    services.edit_comment(bob, reply, "Changed my mind", None)
    db.session.commit()
    assert (reply.body, reply.stance) == ("Changed my mind", None)


def test_a_comment_cannot_be_edited_into_an_oversized_or_stance_less_top_level_comment(app):
    process, alice = make_process(), make_user()
    comment = make_comment(alice, process, "Short", stance="against")
    with pytest.raises(ValidationFailed):
        services.edit_comment(alice, comment, "z" * 5_001, "against")
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        services.edit_comment(alice, comment, "Short but no stance", None)
    db.session.rollback()
    db.session.refresh(comment)
    assert (comment.body, comment.stance, comment.edited_at) == ("Short", "against", None)
