"""The reader's bulk path for plain VOTES sections gives exactly what the row-by-row reading gives: the same
election and warnings for every file, the same error (message and line) for every malformed one."""

from __future__ import annotations

import pytest

from participate.counting import PabulibFormatError, parse_pabulib
from participate.counting import pabulib as reader

PLAIN = """META
key;value
num_projects;3
num_votes;4
budget;100
vote_type;approval
max_length;2
PROJECTS
project_id;cost;name
1;40;Park
2;60;Library
3;30;Trees
VOTES
voter_id;vote;age;district
v1;1,2;30;North
v2;3;41;South East
v3;;;
v4;2,3;;North
"""

VARIANTS = {
    "unchanged": ("", ""),
    "unknown project": ("v2;3;", "v2;9;"),
    "project twice": ("v2;3;", "v2;3,3;"),
    "empty project id": ("v2;3;", "v2;3,,1;"),
    "voter twice": ("v3;;;", "v1;;;"),
    "blank row": ("v3;;;", ";;;"),
    "empty voter id": ("v3;;;", ";3;;"),
    "trailing empty cell": ("v4;2,3;;North", "v4;2,3;;North;"),
    "missing cell": ("v4;2,3;;North", "v4;2,3;North"),
    "spaces around a cell": ("v2;3;41;South East", "v2; 3;41;South East"),
    "space in a vote": ("v1;1,2;", "v1;1, 2;"),
    "no-break space at the end": ("South East", "South East\u00a0"),
    "quoted cell": ("v2;3;41;South East", 'v2;3;41;"South; East"'),
    "blank line": ("v3;;;", "\nv3;;;"),
    "section name as a row": ("v3;;;", "meta;;;"),
    "section name as a voter": ("v3;;;", "Votes;1;;"),
    "ballot longer than max_length": ("v1;1,2;", "v1;1,2,3;"),
    "lone carriage return": ("South East", "South\rEast"),
    "count of votes": ("num_votes;4", "num_votes;5"),
}


def outcome(text: str) -> tuple[object, ...]:
    try:
        election = parse_pabulib(text)
    except PabulibFormatError as exc:
        return ("error", str(exc), exc.line)
    return ("election", election, election.warnings)


def row_by_row(monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[object, ...]:
    with monkeypatch.context() as patch:
        patch.setattr(reader, "plain_ballots", lambda *args: None)
        return outcome(text)


def texts():
    for name, (old, new) in VARIANTS.items():
        assert old in PLAIN, name
        text = PLAIN.replace(old, new, 1)
        yield f"{name}", text
        yield f"{name}, CRLF", text.replace("\n", "\r\n")
        yield f"{name}, choose-1", text.replace("vote_type;approval", "vote_type;choose-1")
        yield f"{name}, ordinal", text.replace("vote_type;approval", "vote_type;ordinal")
        yield f"{name}, no voter_id", text.replace("voter_id;vote;", "vote;").replace("\nv", "\n")


CASES = dict(texts())


@pytest.mark.parametrize("name", CASES)
def test_bulk_path_equals_row_by_row(monkeypatch, name):
    text = CASES[name]
    assert outcome(text) == row_by_row(monkeypatch, text)


def test_the_bulk_path_reads_plain_files(monkeypatch):
    taken = []
    real = reader.plain_ballots

    def spy(*args):
        result = real(*args)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(reader, "plain_ballots", spy)
    parse_pabulib(PLAIN)
    parse_pabulib(PLAIN.replace("\n", "\r\n"))
    parse_pabulib(PLAIN.replace("v2;3;41;South East", 'v2;3;41;"South; East"'))
    assert taken == [True, True, False]


def test_every_sample_file_reads_the_same_both_ways(pabulib_dir, monkeypatch):
    for path in sorted(pabulib_dir.glob("*.pb")):
        text = path.read_text(encoding="utf-8-sig")
        assert outcome(text) == row_by_row(monkeypatch, text), path.name


def test_ballots_made_in_bulk_are_ballots():
    import dataclasses

    from participate.counting.model import Ballot, ballots_in_bulk

    # ballots_in_bulk sets these slots one by one: a new field of Ballot must be added there too
    assert [f.name for f in dataclasses.fields(Ballot)] == ["voter_id", "projects", "points", "fields"]
    made = ballots_in_bulk(["v1", "v2"], [("1", "2"), ()], [{"age": "30"}, {}])
    assert made == [Ballot("v1", ("1", "2"), None, {"age": "30"}), Ballot("v2", ())]
    assert all(type(b) is Ballot for b in made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].voter_id = "v3"  # type: ignore[misc]


def test_a_read_and_a_count_make_no_ballot_objects_until_asked(monkeypatch):
    import pickle

    from participate.counting import Ballot, count

    election = parse_pabulib(PLAIN)
    assert election.ballots.projects == [("1", "2"), ("3",), (), ("2", "3")]
    assert count(election, rule="greedy").selected and count(election, rule="mes").selected
    assert election.ballots._made is None  # the count read the projects column only
    copy = pickle.loads(pickle.dumps(election))
    assert election.ballots[1] == Ballot("v2", ("3",), None, {"age": "41", "district": "South East"})
    assert election.ballots[-1].fields == {"age": "", "district": "North"}
    assert len(election.ballots) == 4 and list(election.ballots)[0].voter_id == "v1"
    assert election.ballots == tuple(election.ballots) and election.ballots == list(election.ballots)
    assert copy.ballots == election.ballots
    assert election.ballots != tuple(election.ballots)[:3]
    monkeypatch.setattr(reader, "plain_ballots", lambda *args: None)
    assert parse_pabulib(PLAIN) == election


LIMITS = {  # with min_length 2, voter v2 (one project) breaks it in every case
    "one ballot too short": "",
    "longer than max_length": "v2;3,1,2;41;South East",
    "shorter than min_length": "v2;3;41;South East\nv5;1;;",
    "and an empty ballot (allowed)": "v5;;;",
}


@pytest.mark.parametrize("case", LIMITS)
@pytest.mark.parametrize("strict", [False, True])
def test_length_limits_checked_at_once_as_ballot_by_ballot(monkeypatch, case, strict):
    """check_election looks at all ballot lengths at once when META declares only length limits; the
    warnings (and the error, with its line, when strict) are those of the ballot-by-ballot check."""
    text = PLAIN.replace("max_length;2", "max_length;2\nmin_length;2").replace("num_votes;4\n", "")
    if LIMITS[case]:
        text = (
            text.replace("v2;3;41;South East", LIMITS[case])
            if "v2" in LIMITS[case]
            else text + LIMITS[case] + "\n"
        )

    def checked(text: str) -> tuple[object, ...]:
        try:
            return ("election", parse_pabulib(text, strict=strict).warnings)
        except PabulibFormatError as exc:
            return ("error", str(exc), exc.line)

    at_once = checked(text)
    with monkeypatch.context() as patch:
        patch.setattr(reader._BallotLimits, "only_lengths", lambda self: False)
        one_by_one = checked(text)
    assert at_once == one_by_one
    assert at_once[0] == ("error" if strict else "election") and at_once[-1]
