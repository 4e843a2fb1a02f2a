"""pabulib reader and writer: every sample file, round trips, format details and malformed files."""

from __future__ import annotations

from fractions import Fraction

import pytest

from participate.counting import (
    PabulibFormatError,
    election_to_pabulib,
    parse_pabulib,
    read_pabulib,
    write_pabulib,
)

SAMPLE_FILES = [
    ("Hungary_Budapest_2024_VIII_Jozsefvaros.pb", "approval", 40, 864),
    ("Netherlands_Amsterdam_252.pb", "approval", 85, 8520),
    ("Poland_Czestochowa_2024_Trzech_Wieszczow.pb", "cumulative", 22, 1150),
    ("Poland_Krakow_2020.pb", "ordinal", 97, 42280),
    ("Poland_Warszawa_2023_Mokotow.pb", "approval", 81, 11067),
    ("Poland_Warszawa_2026.pb", "approval", 83, 61668),
    ("Switzerland_Zurich_S5R.pb", "ordinal", 24, 180),
    ("US_Stanford_Dataset_2022_Jersey_City_Ward_C_vote_knapsacks.pb", "approval", 10, 187),
    ("US_Stanford_Dataset_PB_Greensboro_District_4_2016_vote_approvals.pb", "approval", 14, 102),
    ("US_Stanford_Dataset_Saratoga_NY_2022_vote_rankings.pb", "ordinal", 9, 854),
    ("Worldwide_Mechanical_Turk_Ranking_value_8.pb", "ordinal", 20, 76),
    ("Worldwide_Mechanical_Turk_Utilities_8.pb", "cumulative", 20, 74),
]


@pytest.mark.parametrize(("name", "vote_type", "projects", "votes"), SAMPLE_FILES)
def test_reads_every_sample_file_and_round_trips(pabulib_dir, tmp_path, name, vote_type, projects, votes):
    election = read_pabulib(pabulib_dir / name)
    assert election.vote_type == vote_type
    assert len(election.projects) == projects
    assert len(election.ballots) == votes
    assert election.budget == int(election.meta["budget"])
    # all META keys and all PROJECTS / VOTES columns are kept, in order
    text = (pabulib_dir / name).read_text(encoding="utf-8-sig")
    header = text.splitlines()[text.splitlines().index("PROJECTS") + 1]
    assert ";".join(election.project_columns) == header
    out = tmp_path / "again.pb"
    write_pabulib(election, out)
    again = read_pabulib(out)
    assert again == election
    assert election_to_pabulib(again) == election_to_pabulib(election)


def test_extra_columns_and_meta_are_kept(pabulib_dir):
    e = read_pabulib(pabulib_dir / "Poland_Warszawa_2026.pb")
    assert e.meta["min_project_score_threshold"] == "3000"
    assert e.vote_columns == ("voter_id", "vote", "age", "sex", "voting_method", "neighborhood")
    first = e.ballots[0]
    assert first.voter_id == "217759"
    assert first.projects == ("1822", "322", "1992", "1589", "1114")
    assert first.fields == {"age": "42", "sex": "M", "voting_method": "internet", "neighborhood": "Ursynów"}
    p = e.project("214")
    assert p.cost == 4800000 and p.fields["selected"] == "1" and p.fields["votes"] == "14126"


def test_points_ballots(pabulib_dir):
    e = read_pabulib(pabulib_dir / "Worldwide_Mechanical_Turk_Utilities_8.pb")
    b = e.ballots[0]
    assert b.projects == ("12", "37", "2", "32", "47", "31", "39", "40")
    assert b.points == (27, 18, 15, 11, 8, 7, 7, 7)
    # nine ballots give fewer than min_sum_points = 100: counted as cast, reported with their line
    assert len(e.warnings) == 9 and e.warnings[0].startswith("line 52: voter 1421 gave 98 points")
    with pytest.raises(PabulibFormatError) as err:
        read_pabulib(pabulib_dir / "Worldwide_Mechanical_Turk_Utilities_8.pb", strict=True)
    assert err.value.line == 52


GOOD = '''META
key;value
description;"A test; with a semicolon and ""quotes"""
num_projects;3
num_votes;3
budget;100
vote_type;scoring
max_points;5

PROJECTS
project_id;cost;name
1; 40;"Park; benches"
2;60;Library
3;30;Trees
VOTES
voter_id;vote;points;note

v1;1,2; 2.5,-1;"multi
line note"
v2; 3 ;5;
v3;;;
'''


def test_quoting_blank_lines_spaces_and_decimals():
    e = parse_pabulib(GOOD)
    assert e.meta["description"] == 'A test; with a semicolon and "quotes"'
    assert e.project("1").cost == 40 and e.project("1").name == "Park; benches"
    v1, v2, v3 = e.ballots
    assert v1.points == (Fraction(5, 2), -1) and v1.fields["note"] == "multi\nline note"
    assert v2.projects == ("3",) and v2.points == (5,)
    assert v3.projects == () and v3.points == ()
    assert parse_pabulib(election_to_pabulib(e)) == e


def test_choose_one_and_ordinal():
    text = GOOD.replace("scoring", "choose-1").replace("voter_id;vote;points;note", "voter_id;vote;note")
    text = text.replace("1,2; 2.5,-1;", "1;").replace("v2; 3 ;5;", "v2; 3 ;").replace("v3;;;", "v3;;")
    e = parse_pabulib(text)
    assert [b.projects for b in e.ballots] == [("1",), ("3",), ()]
    bad = text.replace("v1;1;", "v1;1,2;")
    with pytest.raises(PabulibFormatError, match="chose 2 projects in a choose-1 vote") as err:
        parse_pabulib(bad)
    assert err.value.line == 18


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("budget;100", "budget;1OO"), 6, "budget is not a number"),
        (("budget;100", "budget;100.5"), 6, "whole number"),
        (("num_votes;3", "num_votes;4"), 5, "num_votes says 4 but the file has 3 votes"),
        (("num_projects;3", "num_projects;2"), 4, "num_projects says 2"),
        (("vote_type;scoring", "vote_type;ranking"), 7, "unknown vote_type"),
        (("2;60;Library", "2;sixty;Library"), 13, "cost of project 2 is not a number"),
        (("2;60;Library", "1;60;Library"), 13, "project 1 is listed twice"),
        (("3;30;Trees", "3;30"), 14, "2 fields but the header has 3"),
        (("v2; 3 ;5;", "v2; 9 ;5;"), 20, "unknown project 9"),
        (("v2; 3 ;5;", "v2; 3,3 ;5,5;"), 20, "the same project twice"),
        (("v2; 3 ;5;", "v2; 3 ;5,1;"), 20, "1 projects but 2 points"),
        (("v2; 3 ;5;", "v2; 3 ;x;"), 20, "points of voter v2 is not a number"),
        (("v3;;;", "v1;;;"), 21, "voter v1 voted twice"),
        (("voter_id;vote;points;note", "voter_id;ballot;points;note"), 16, "no vote column"),
        (("project_id;cost;name", "project_id;price;name"), 11, "no cost column"),
        (("PROJECTS", "PROJECT"), 10, "META line for 'PROJECT' has no value"),
    ],
)
def test_malformed_files_name_the_line_and_problem(change, line, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(PabulibFormatError) as err:
        parse_pabulib(GOOD.replace(old, new, 1))
    assert err.value.line == line
    assert message in str(err.value)
    assert str(err.value).startswith(f"line {line}: ")


def test_missing_sections_and_constraints():
    with pytest.raises(PabulibFormatError, match="no VOTES section"):
        parse_pabulib(GOOD.split("VOTES")[0])
    with pytest.raises(PabulibFormatError, match="expected section PROJECTS, found VOTES"):
        parse_pabulib(GOOD.replace("PROJECTS", "VOTES", 1))
    strict_bad = GOOD.replace("v2; 3 ;5;", "v2; 3 ;6;")
    with pytest.raises(PabulibFormatError, match="gave 6 points, above max_points") as err:
        parse_pabulib(strict_bad, strict=True)
    assert err.value.line == 20
    lenient = parse_pabulib(strict_bad)
    assert lenient.warnings == ("line 20: voter v2 gave 6 points, above max_points",)
    too_long = GOOD.replace("max_points;5", "max_points;5\nmax_length;1")
    with pytest.raises(PabulibFormatError, match="more than max_length 1") as err:
        parse_pabulib(too_long.replace("num_projects;3", "num_projects;3"), strict=True)
    assert err.value.line == 19


def test_unreadable_files(tmp_path):
    with pytest.raises(PabulibFormatError, match="cannot open"):
        read_pabulib(tmp_path / "missing.pb")
    bad = tmp_path / "latin1.pb"
    bad.write_bytes(GOOD.replace("Library", "Bibliothèque").encode("latin-1"))
    with pytest.raises(PabulibFormatError) as err:
        read_pabulib(bad)
    assert err.value.line == 13
