"""Item 2: the three input formats and their validation."""

from __future__ import annotations

import pytest

from participate.sortition import InputError, parse_features, parse_people
from participate.sortition.io import FORMAT_REPLICATION, FORMAT_SF, FORMAT_SF_OLD, load_pool

from .conftest import CASES, pool_for

FEATURES = "feature,value,min,max,min_flex,max_flex\ngender,female,1,2,0,3\ngender,male,1,2,0,3\nage,young,1,2,,\nage,old,1,2,,\n"


def people(rows: str, header: str = "id,gender,age,street") -> str:
    return header + "\n" + rows


def test_sortition_foundation_format_with_flex():
    ff = parse_features(FEATURES)
    assert ff.format == FORMAT_SF
    assert [f.name for f in ff.features] == ["gender", "age"]
    female = ff.features[0].quotas[0]
    assert (female.min, female.max, female.min_flex, female.max_flex) == (1, 2, 0, 3)
    assert ff.features[1].quotas[0].max_flex is None


def test_old_header_and_notes_rows_are_read():
    pool = pool_for("opendlp")
    assert len(pool.people) == 100
    assert [f.name for f in pool.features] == [
        "gender",
        "age_bucket",
        "ethnicity",
        "disability",
        "colour_bucket",
    ]
    # the trailing ",Socio-economic target?,,," rows are skipped, not read as a feature
    assert all(f.name for f in pool.features)


def test_old_header_is_detected():
    ff = parse_features("category,name,min,max\ng,a,0,1\ng,b,0,1\n")
    assert ff.format == FORMAT_SF_OLD


def test_replication_format_generates_ids():
    pool = pool_for("small-20")
    assert len(pool.people) == 200
    assert pool.ids[:3] == ("r0", "r1", "r2")
    ff = parse_features("category,feature,min,max\ngender,female,9,20\ngender,male,9,20\n")
    assert ff.format == FORMAT_REPLICATION
    assert ff.features[0].values == ("female", "male")


def test_sf_fixture_reads_with_addresses():
    pool = pool_for("sf-fixture")
    assert len(pool.people) == 150
    assert all(p.address for p in pool.people)


def test_values_match_case_insensitively_and_keep_the_features_spelling():
    ff = parse_features(FEATURES)
    pool = parse_people(people("a,FEMALE, Young ,x\nb,Male,old,y\n"), ff.features)
    assert pool.people[0].values == ("female", "young")


def test_addresses_are_normalised():
    ff = parse_features(FEATURES)
    pool = parse_people(
        people("a,female,young,1 High St.\nb,male,old,1 high st\nc,male,old,\n"),
        ff.features,
        address_columns=["street"],
    )
    assert pool.people[0].address == pool.people[1].address != ""
    assert pool.people[2].address == ""
    assert pool.households() == [[0, 1]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,female,teen,x\n", "age='teen', which is not a value"),
        ("a,female,,x\n", "no value for feature 'age'"),
        ("a,female,young,x\na,male,old,y\n", "Duplicate person id 'a' (rows 2 and 3)"),
        (",female,young,x\n", "row 2 has no id"),
    ],
)
def test_bad_people_rows(text, message):
    ff = parse_features(FEATURES)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_people(people(text), ff.features)


def test_missing_feature_column():
    ff = parse_features(FEATURES)
    with pytest.raises(InputError, match="no column for feature 'age'"):
        parse_people("id,gender\na,female\n", ff.features)


def test_missing_id_column_names_the_option():
    ff = parse_features(FEATURES)
    with pytest.raises(InputError, match="--id-column"):
        parse_people("pid,gender,age\na,female,young\n", ff.features)


def test_missing_address_column():
    ff = parse_features(FEATURES)
    with pytest.raises(InputError, match="no address column 'road'"):
        parse_people(people("a,female,young,x\n"), ff.features, address_columns=["road"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feature,value,min,max\ng,a,3,2\n", "min 3 greater than max 2"),
        ("feature,value,min,max\ng,a,x,2\n", "is not a whole number"),
        ("feature,value,min,max\ng,a,-1,2\n", "is negative"),
        ("feature,value,min,max\ng,a,1,2\nG,A,1,2\n", "listed twice"),
        ("feature,value,min,max,min_flex,max_flex\ng,a,1,2,2,3\n", "min_flex 2 greater than min 1"),
        ("feature,value,min,max,min_flex,max_flex\ng,a,1,2,0,1\n", "max_flex 1 smaller than max 2"),
        ("name,min,max\ng,1,2\n", "header must be"),
        ("feature,value\ng,a\n", "needs 'min' and 'max'"),
        ("feature,value,min,max\n", "lists no features"),
        ("", "empty"),
    ],
)
def test_bad_features(text, message):
    with pytest.raises(InputError, match=message):
        parse_features(text)


def test_missing_file_is_an_input_error(tmp_path):
    case = CASES["small-20"]
    with pytest.raises(InputError, match="File not found"):
        load_pool(tmp_path / "nope.csv", tmp_path / "nope2.csv", id_column=case.id_column)
