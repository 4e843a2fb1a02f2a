"""Property-based fuzzing of the pure parsers and the Markdown renderer (Hypothesis).

A parser either returns a valid object or raises its own error type with a message; anything else (an
IndexError, a ValueError, a ZeroDivisionError...) is a bug. The inputs start from valid files and mutate
them (a line dropped, doubled or replaced, a cell changed), so the fuzzing reaches past the header checks.
The Markdown renderer never lets out a script, an on* attribute or a javascript: URL.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from participate.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from participate.counting.errors import PabulibFormatError
from participate.counting.pabulib import parse_pabulib
from participate.sortition.errors import InputError
from participate.sortition.io import parse_features, parse_people
from tests.fuzzing import FEATURES_LINES, mutated

FUZZ = settings(max_examples=150, deadline=None)

# --- pabulib -------------------------------------------------------------------------------------------

PABULIB_LINES = {
    "approval": [
        "META", "key;value", "description;Fuzz", "num_projects;3", "num_votes;3", "budget;100",
        "vote_type;approval", "max_length;2", "PROJECTS", "project_id;cost;name", "1;50;Park", "2;40;Bench",
        "3;30;Lamp", "VOTES", "voter_id;vote", "v1;1,2", "v2;3", "v3;2,3",
    ],
    "cumulative": [
        "META", "key;value", "num_projects;2", "num_votes;2", "budget;60", "vote_type;cumulative",
        "max_sum_points;10", "PROJECTS", "project_id;cost", "a;30", "b;30", "VOTES", "voter_id;vote;points",
        "v1;a,b;6,4", "v2;b;10",
    ],
    "ordinal": [
        "META", "key;value", "num_projects;2", "num_votes;1", "budget;10", "vote_type;ordinal", "PROJECTS",
        "project_id;cost", "p;5", "q;5", "VOTES", "voter_id;vote", "v1;q,p",
    ],
}  # fmt: skip


def _check_election(election) -> None:
    assert election.budget >= 0
    ids = [project.id for project in election.projects]
    assert len(ids) == len(set(ids))
    assert all(project.cost >= 0 for project in election.projects)


@FUZZ
@given(
    text=st.one_of(
        st.sampled_from(sorted(PABULIB_LINES)).flatmap(lambda k: mutated(PABULIB_LINES[k], ";")),
        st.text(max_size=200),
    ),  # fmt: skip
    strict=st.booleans(),
)
@example(text="\n".join(PABULIB_LINES["approval"]), strict=True)
def test_the_pabulib_reader_returns_an_election_or_its_own_error(text, strict):
    try:
        election = parse_pabulib(text, strict=strict)
    except PabulibFormatError as error:
        assert str(error).strip()
    else:
        _check_election(election)


# --- sortition CSV ---------------------------------------------------------------------------------------

PEOPLE_LINES = [
    "id,gender,age,address",
    "p1,woman,young,Storgatan 1",
    "p2,man,old,Storgatan 1",
    "p3,Woman,Old,",
]
FEATURES = parse_features("\n".join(FEATURES_LINES["sf"])).features


@FUZZ
@given(
    text=st.one_of(
        st.sampled_from(sorted(FEATURES_LINES)).flatmap(lambda k: mutated(FEATURES_LINES[k], ",")),
        st.text(max_size=120),
    ),  # fmt: skip
)
def test_the_sortition_features_reader_returns_quotas_or_an_input_error(text):
    try:
        parsed = parse_features(text)
    except InputError as error:
        assert str(error).strip()
    else:
        for feature in parsed.features:
            assert feature.quotas
            assert all(0 <= quota.min <= quota.max for quota in feature.quotas)


@FUZZ
@given(text=st.one_of(mutated(PEOPLE_LINES, ","), st.text(max_size=120)), addresses=st.booleans())
def test_the_sortition_people_reader_returns_a_pool_or_an_input_error(text, addresses):
    try:
        pool = parse_people(text, FEATURES, address_columns=("address",) if addresses else ())
    except InputError as error:
        assert str(error).strip()
    else:
        ids = [person.id for person in pool.people]
        assert ids and len(ids) == len(set(ids))
        allowed = [set(feature.values) for feature in FEATURES]
        assert all(
            value in values
            for person in pool.people
            for value, values in zip(person.values, allowed, strict=True)
        )


# --- Markdown --------------------------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](jav&#x61;script:alert(1))", "[x](java\tscript:alert(1))",
    "<javascript:alert(1)>", "![x](javascript:alert(1))", '<a href="javascript:alert(1)">x</a>',
    "[x]: javascript:alert(1)\n\n[y][x]", "<svg onload=alert(1)>", "<iframe src=//evil>",
    '[x](data:text/html,<script>alert(1)</script>)', "[x](vbscript:msgbox)", "<style>*{}</style>",
    "`<script>`", "    <script>", "<<script>script>", "[a](<javascript:alert(1)>)", '"onmouseover="x',
    "# h\n\n| a | b |\n|---|---|\n| <b onclick=1>x</b> | y |", "[x](\x01javascript:alert(1))",
]  # fmt: skip
MARKDOWN_BITS = st.one_of(
    st.sampled_from(ATTACKS),
    st.sampled_from(
        ["*", "_", "`", "[", "]", "(", ")", "<", ">", "&", "#", "\n", "|", "!", "\\", ":", '"', "="]
    ),
    st.text(max_size=10),
)
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def assert_safe_html(out: str) -> None:
    parser = _Tags()
    parser.feed(out)
    parser.close()
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (tag, out)
        for name, value in attrs:
            assert not name.startswith("on"), (name, out)
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (tag, name, out)
            if name == "href":
                link = re.sub(r"[\x00-\x20]", "", html.unescape(value or "")).lower()
                scheme = re.match(r"^[a-z][a-z0-9+.-]*:", link)
                assert scheme is None or scheme.group(0) in SAFE_SCHEMES, (value, out)
    assert "<script" not in out.lower()


@FUZZ
@given(text=st.lists(MARKDOWN_BITS, max_size=12).map("".join))
@example(text="[x](javascript:alert(1))")
@example(text="<img src=x onerror=alert(1)>")
def test_markdown_never_lets_out_a_script_a_handler_or_a_javascript_url(text):
    assert_safe_html(str(render_markdown(text)))


def test_the_markdown_check_catches_unsafe_html():
    """The property above would fail on unsafe output: its checker is not a rubber stamp."""
    for unsafe in ('<a href="javascript:x">a</a>', '<p onclick="x">a</p>', "<script>x</script>",
                   '<a href="jav&#x61;script:x">a</a>'):  # fmt: skip
        try:
            assert_safe_html(unsafe)
        except AssertionError:
            continue
        raise AssertionError(f"not caught: {unsafe}")
