"""Parallel requests on PostgreSQL: one thread per subject, one vote per person, counts that add up."""

from sqlalchemy import func, select

from participate.deliberation.models import Comment, CommentVote, Thread
from participate.extensions import db
from tests.concurrency import posts_at_once, races
from tests.conftest import csrf_token, login
from tests.factories import make_comment, make_process, make_user

pytestmark = races
PARALLEL = 8


def logged_in_client(app, user, token_path):
    client = app.test_client()
    login(client, user.email)
    return client, csrf_token(client, token_path)


def test_the_same_person_voting_in_parallel_makes_one_vote(app):
    process, author, voter = make_process(), make_user(), make_user()
    comment = make_comment(author, process)
    page = f"/processes/{process.slug}"
    requests = []
    for _ in range(PARALLEL):
        client, token = logged_in_client(app, voter, page)
        requests.append(
            (client, f"/deliberation/comments/{comment.id}/vote", {"csrf_token": token, "direction": "up"})
        )
    statuses = posts_at_once(app, requests)
    # The comment's row lock queues them (all 302); were two to meet at the unique constraint, the loser
    # would get run_form's page with "Your vote on this comment was already counted." (400).
    assert set(statuses) <= {302, 400} and 302 in statuses
    assert db.session.scalar(select(func.count()).select_from(CommentVote)) == 1
    db.session.refresh(comment)
    assert (comment.upvotes, comment.downvotes) == (1, 0)


def test_many_people_voting_at_once_all_count(app):
    process, author = make_process(), make_user()
    comment = make_comment(author, process)
    page = f"/processes/{process.slug}"
    requests = []
    for _ in range(PARALLEL):
        client, token = logged_in_client(app, make_user(), page)
        requests.append(
            (client, f"/deliberation/comments/{comment.id}/vote", {"csrf_token": token, "direction": "up"})
        )
    assert posts_at_once(app, requests) == [302] * PARALLEL
    db.session.refresh(comment)
    assert comment.upvotes == PARALLEL


def test_first_comments_in_parallel_make_one_thread_and_count_every_comment(app):
    process = make_process()
    page = f"/processes/{process.slug}"
    requests = []
    for n in range(PARALLEL):
        client, token = logged_in_client(app, make_user(), page)
        stance = ("in_favour", "neutral", "against")[n % 3]
        data = {"csrf_token": token, "body": f"Comment {n}", "stance": stance}
        requests.append((client, f"/deliberation/process/{process.id}/comments", data))
    assert posts_at_once(app, requests) == [302] * PARALLEL
    [thread] = db.session.execute(select(Thread)).scalars().all()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == PARALLEL
    assert (thread.comment_count, thread.in_favour_count, thread.neutral_count, thread.against_count) == (
        8,
        3,
        3,
        2,
    )


def test_hiding_comments_while_others_are_posted_keeps_the_count_of_visible_ones(app):
    process, staff = make_process(), make_user("staff")
    old = [make_comment(make_user(), process, body=f"Old comment {n}") for n in range(PARALLEL // 2)]
    page = f"/processes/{process.slug}"
    queue = f"/manage/processes/{process.id}/moderation"
    requests = []
    for n in range(PARALLEL // 2):
        client, token = logged_in_client(app, make_user(), page)
        data = {"csrf_token": token, "body": f"New comment {n}", "stance": "neutral"}
        requests.append((client, f"/deliberation/process/{process.id}/comments", data))
    for comment in old:
        client, token = logged_in_client(app, staff, queue)
        prefix = f"hide-comment-{comment.id}-"
        data = {f"{prefix}csrf_token": token, f"{prefix}reason": "Off topic"}
        requests.append((client, f"{queue}/comment/{comment.id}/hide", data))
    assert posts_at_once(app, requests) == [302] * PARALLEL
    [thread] = db.session.execute(select(Thread)).scalars().all()
    visible = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.thread_id == thread.id, Comment.hidden_at.is_(None))
    )
    assert visible == PARALLEL // 2
    assert (thread.comment_count, thread.neutral_count) == (visible, visible)
