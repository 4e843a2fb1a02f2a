"""Reading and writing pabulib files (https://pabulib.org/format).

`read_pabulib(path)` / `parse_pabulib(text)` return an `Election`; every problem raises
`PabulibFormatError` naming the line. `election_to_pabulib(election)` / `write_pabulib(election, path)`
write it back so that reading again gives the same election.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import ClassVar, cast

from .errors import PabulibFormatError
from .memory import collector_paused
from .model import APPROVAL_TYPES, CARDINAL_TYPES, VOTE_TYPES, Ballot, Ballots, Election, Points, Project
from .plain_votes import plain_ballots

SECTIONS = ("meta", "projects", "votes")
_INT_RE = re.compile(r"^[+-]?\d+$")
_DEC_RE = re.compile(r"^[+-]?(\d+)?([.,]\d*)?$")


def parse_number(text: str, *, line: int | None, what: str) -> Points:
    """An exact number from a pabulib cell: int, decimal ('2.5' or '2,5') or fraction ('1/3')."""
    s = text.strip()
    if _INT_RE.match(s):
        return int(s)
    try:
        if "/" in s:
            value = Fraction(s)
        elif s and _DEC_RE.match(s) and any(c.isdigit() for c in s):
            value = Fraction(s.replace(",", "."))
        else:
            raise ValueError
    except (ValueError, ZeroDivisionError):
        raise PabulibFormatError(f"{what} is not a number: {text!r}", line) from None
    return int(value) if value.denominator == 1 else value


def parse_money(text: str, *, line: int | None, what: str) -> int:
    value = parse_number(text, line=line, what=what)
    if not isinstance(value, int):
        raise PabulibFormatError(f"{what} must be a whole number of currency units, not {text!r}", line)
    return value


def format_number(value: Points) -> str:
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    d = value.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    # terminating decimal, written exactly
    sign = "-" if value < 0 else ""
    v = abs(value)
    digits = 0
    while (v * 10**digits).denominator != 1:
        digits += 1
    scaled = int(v * 10**digits)
    whole, frac_part = divmod(scaled, 10**digits)
    return f"{sign}{whole}.{frac_part:0{digits}d}"


def _rows(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank csv rows with the (1-based) line on which each starts."""
    last = 0
    try:
        for row in reader:
            start = last + 1
            last = reader.line_num  # type: ignore[attr-defined]
            if not row or all(not cell.strip() for cell in row):
                continue
            yield start, row
    except csv.Error as exc:
        raise PabulibFormatError(f"cannot read the line ({exc})", last + 1) from None


def read_pabulib(path: str | Path, *, strict: bool = False) -> Election:
    """Read a pabulib file. Raises PabulibFormatError (with the line) for a malformed file.

    Ballots that break a constraint declared in META (max_length, max_sum_points, ...) raise too when
    `strict`; otherwise they are counted as cast and described in `election.warnings`."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PabulibFormatError(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PabulibFormatError("the file is not valid UTF-8", line) from None
    return parse_pabulib(text, strict=strict)


def parse_pabulib(text: str, *, strict: bool = False) -> Election:
    """Parse the text of a pabulib file; counts are always checked, ballot constraints as in read_pabulib."""
    parser = _Parser()
    buffer = io.StringIO(text, newline="")
    reader = csv.reader(buffer, delimiter=";")
    with collector_paused():
        for line, row in _rows(reader):
            parser.feed(line, row)
            # Once the VOTES header is read, a well-formed body (the common case) is read in bulk;
            # anything unusual leaves the parser untouched and the row-by-row reading names the problem.
            if parser.expects_first_ballot() and parser.add_plain_ballots(
                text[buffer.tell() :], first_line=reader.line_num + 1
            ):
                break
        return parser.finish(strict)


class _Parser:
    """The sections of a pabulib file, fed one csv row at a time."""

    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.project_columns: list[str] = []
        self.vote_columns: list[str] = []
        self.projects: list[Project] = []
        self.project_index: dict[str, Project] = {}
        self.ballots: list[Ballot] = []  # row by row, with the line of each
        self.ballot_lines: list[int] = []
        self.bulk: tuple[Ballots, range] | None = None  # or all at once (add_plain_ballots), with their lines
        self.seen_sections: list[str] = []
        self.section = ""
        self.header: list[str] | None = None
        self.header_pending = False
        self.vote_type = ""
        self.voter_ids: set[str] = set()

    def expects_first_ballot(self) -> bool:
        return self.section == "votes" and not self.header_pending and not self.ballots and self.bulk is None

    def add_plain_ballots(self, body: str, *, first_line: int) -> bool:
        """Add every ballot of a VOTES body that needs no csv quoting and no checks beyond the bulk ones;
        False (and nothing added) when the body is anything else."""
        assert self.header is not None
        plain = plain_ballots(body, first_line, self.header, self.vote_type, self.project_index)
        if plain is None:
            return False
        self.bulk = plain
        return True

    def feed(self, line: int, row: list[str]) -> None:
        first = row[0].strip().lower()
        if len(row) == 1 and first in SECTIONS or (first in SECTIONS and all(not c.strip() for c in row[1:])):
            self._start_section(first, line)
        elif not self.section:
            raise PabulibFormatError("the file must start with META", line)
        elif self.header_pending:
            self._read_header(row, line)
        elif self.section == "meta":
            self._add_meta(row, line)
        elif self.section == "projects":
            self._add_project(row, line)
        else:
            self._add_ballot(row, line)

    def _start_section(self, name: str, line: int) -> None:
        if name in self.seen_sections:
            raise PabulibFormatError(f"section {name.upper()} appears twice", line)
        expected = SECTIONS[len(self.seen_sections)]
        if name != expected:
            raise PabulibFormatError(f"expected section {expected.upper()}, found {name.upper()}", line)
        self.seen_sections.append(name)
        self.section = name
        self.header_pending = True
        if name == "votes":
            self.vote_type = _vote_type(self.meta, self.meta_lines)

    def _read_header(self, row: list[str], line: int) -> None:
        header = [c.strip() for c in row]
        self.header = header
        self.header_pending = False
        section = self.section
        if len(set(header)) != len(header):
            raise PabulibFormatError(f"repeated column name in the {section.upper()} header", line)
        if section == "meta":
            if [h.lower() for h in header[:2]] != ["key", "value"]:
                raise PabulibFormatError("the META header must be key;value", line)
        elif section == "projects":
            for required in ("project_id", "cost"):
                if required not in header:
                    raise PabulibFormatError(f"the PROJECTS header has no {required} column", line)
            self.project_columns = header
        else:
            if "vote" not in header:
                raise PabulibFormatError("the VOTES header has no vote column", line)
            if self.vote_type in CARDINAL_TYPES and "points" not in header:
                raise PabulibFormatError(f"{self.vote_type} votes need a points column", line)
            self.vote_columns = header

    def _add_meta(self, row: list[str], line: int) -> None:
        key = row[0].strip()
        if len(row) < 2:
            raise PabulibFormatError(f"META line for {key!r} has no value (expected key;value)", line)
        if key in self.meta:
            raise PabulibFormatError(f"META key {key!r} appears twice", line)
        self.meta[key] = ";".join(row[1:]).strip()
        self.meta_lines[key] = line

    def _add_project(self, row: list[str], line: int) -> None:
        assert self.header is not None
        cells = _cells(row, self.header, line, "project")
        pid = cells["project_id"]
        if not pid:
            raise PabulibFormatError("empty project_id", line)
        if pid in self.project_index:
            raise PabulibFormatError(f"project {pid} is listed twice", line)
        cost = parse_money(cells["cost"], line=line, what=f"cost of project {pid}")
        if cost < 0:
            raise PabulibFormatError(f"cost of project {pid} is negative", line)
        fields = {k: v for k, v in cells.items() if k not in ("project_id", "cost")}
        project = Project(pid, cost, fields)
        self.projects.append(project)
        self.project_index[pid] = project

    def _add_ballot(self, row: list[str], line: int) -> None:
        assert self.header is not None
        cells = _cells(row, self.header, line, "vote")
        voter_id = cells.get("voter_id", str(len(self.ballots)))
        if "voter_id" in cells:
            if not voter_id:
                raise PabulibFormatError("empty voter_id", line)
            if voter_id in self.voter_ids:
                raise PabulibFormatError(f"voter {voter_id} voted twice", line)
            self.voter_ids.add(voter_id)
        self.ballots.append(_ballot(cells, voter_id, self.vote_type, self.project_index, line))
        self.ballot_lines.append(line)

    def finish(self, strict: bool) -> Election:
        if self.header_pending or len(self.seen_sections) < 3:
            missing = [s.upper() for s in SECTIONS if s not in self.seen_sections]
            if missing:
                raise PabulibFormatError(f"the file has no {missing[0]} section")
            raise PabulibFormatError("the VOTES section has no header")
        ballots, lines = self.bulk or (Ballots.of(self.ballots), self.ballot_lines)
        election = Election(
            meta=self.meta,
            projects=tuple(self.projects),
            ballots=ballots,
            project_columns=tuple(self.project_columns),
            vote_columns=tuple(self.vote_columns),
        )
        _check_meta(election, self.meta_lines)
        warnings = check_election(election, meta_lines=self.meta_lines, ballot_lines=lines, strict=strict)
        if warnings:
            election = dataclasses.replace(election, warnings=tuple(warnings))
        return election


def _vote_type(meta: dict[str, str], meta_lines: dict[str, int]) -> str:
    if "vote_type" not in meta:
        raise PabulibFormatError("META has no vote_type")
    vt = meta["vote_type"]
    if vt not in VOTE_TYPES:
        raise PabulibFormatError(
            f"unknown vote_type {vt!r} (expected one of {', '.join(VOTE_TYPES)})", meta_lines["vote_type"]
        )
    return vt


def _cells(row: list[str], header: list[str], line: int, what: str) -> dict[str, str]:
    if len(row) != len(header):
        # tolerate trailing empty cells only
        if len(row) > len(header) and all(not c.strip() for c in row[len(header) :]):
            row = row[: len(header)]
        else:
            raise PabulibFormatError(
                f"{what} line has {len(row)} fields but the header has {len(header)}", line
            )
    return {h: c.strip() for h, c in zip(header, row, strict=True)}


def _ballot(
    cells: dict[str, str], voter_id: str, vote_type: str, projects: dict[str, Project], line: int
) -> Ballot:
    vote = cells["vote"]
    ids = tuple(x.strip() for x in vote.split(",")) if vote else ()
    if any(not x for x in ids):
        raise PabulibFormatError(f"vote of voter {voter_id} has an empty project id", line)
    for pid in ids:
        if pid not in projects:
            raise PabulibFormatError(f"voter {voter_id} voted for unknown project {pid}", line)
    if len(set(ids)) != len(ids):
        raise PabulibFormatError(f"voter {voter_id} lists the same project twice", line)
    if vote_type == "choose-1" and len(ids) > 1:
        raise PabulibFormatError(f"voter {voter_id} chose {len(ids)} projects in a choose-1 vote", line)
    points = None
    fields = {k: v for k, v in cells.items() if k not in ("voter_id", "vote")}
    if vote_type in CARDINAL_TYPES:
        raw = fields.pop("points")
        parts = [x.strip() for x in raw.split(",")] if raw else []
        if len(parts) != len(ids):
            raise PabulibFormatError(
                f"voter {voter_id} has {len(ids)} projects but {len(parts)} points", line
            )
        points = tuple(parse_number(x, line=line, what=f"points of voter {voter_id}") for x in parts)
        if vote_type == "cumulative" and any(x < 0 for x in points):
            raise PabulibFormatError(f"voter {voter_id} gave negative points", line)
    return Ballot(voter_id, ids, points, fields)


def _check_meta(election: Election, meta_lines: dict[str, int]) -> None:
    meta = election.meta
    if "budget" not in meta:
        raise PabulibFormatError("META has no budget")
    budget = parse_money(meta["budget"], line=meta_lines["budget"], what="budget")
    if budget < 0:
        raise PabulibFormatError("budget is negative", meta_lines["budget"])
    _vote_type(meta, meta_lines)
    for key in ("min_length", "max_length"):
        if meta.get(key, "") != "":
            value = parse_number(meta[key], line=meta_lines[key], what=key)
            if not isinstance(value, int) or value < 0:
                raise PabulibFormatError(f"{key} must be a whole number", meta_lines[key])


def check_election(
    election: Election,
    *,
    meta_lines: dict[str, int] | None = None,
    ballot_lines: Sequence[int] | None = None,
    strict: bool = True,
) -> list[str]:
    """Check counts (num_projects, num_votes) and the ballot constraints declared in META.

    A wrong count always raises. A ballot breaking a constraint raises when `strict`, otherwise the
    problems are returned as messages (one per ballot, naming its line)."""
    warnings: list[str] = []
    meta = election.meta
    ml = meta_lines or {}

    def meta_number(key: str) -> Points | None:
        if meta.get(key, "") in ("",):
            return None
        return parse_number(meta[key], line=ml.get(key), what=key)

    for key, actual, noun in (
        ("num_projects", len(election.projects), "projects"),
        ("num_votes", len(election.ballots), "votes"),
    ):
        declared = meta_number(key)
        if declared is not None and declared != actual:
            raise PabulibFormatError(f"{key} says {declared} but the file has {actual} {noun}", ml.get(key))
    limits = _BallotLimits(*(meta_number(key) for key in _BallotLimits.KEYS))
    cost = {p.id: p.cost for p in election.projects}
    approval_like = election.vote_type in APPROVAL_TYPES
    # Real files mostly declare length limits only: checked for all ballots at once, and ballot by ballot
    # (for the messages, which name each ballot's line) only if some ballot breaks them.
    if limits.only_lengths() and limits.lengths_allowed(list(map(len, election.ballots.projects))):
        return warnings
    for index, ballot in enumerate(election.ballots):
        line = ballot_lines[index] if ballot_lines else None
        for problem in limits.problems(ballot.projects, ballot.points, cost, approval_like):
            message = f"voter {ballot.voter_id} {problem}"
            if strict:
                raise PabulibFormatError(message, line)
            warnings.append(str(PabulibFormatError(message, line)))
    return warnings


@dataclasses.dataclass(frozen=True)
class _BallotLimits:
    """The ballot constraints a META section may declare (None: not declared)."""

    KEYS: ClassVar[tuple[str, ...]] = (
        "min_length",
        "max_length",
        "min_sum_cost",
        "max_sum_cost",
        "min_points",
        "max_points",
        "min_sum_points",
        "max_sum_points",
    )
    min_length: Points | None
    max_length: Points | None
    min_sum_cost: Points | None
    max_sum_cost: Points | None
    min_points: Points | None
    max_points: Points | None
    min_sum_points: Points | None
    max_sum_points: Points | None

    def only_lengths(self) -> bool:
        return all(getattr(self, key) is None for key in self.KEYS[2:])

    def lengths_allowed(self, lengths: list[int]) -> bool:
        """Whether ballots of these lengths (empty ones are always allowed) meet min/max_length."""
        if self.max_length is not None and max(lengths, default=0) > self.max_length:
            return False
        return self.min_length is None or min(filter(None, lengths), default=1) >= self.min_length

    def problems(
        self,
        projects: tuple[str, ...],
        points: tuple[Points, ...] | None,
        cost: dict[str, int],
        approval_like: bool,
    ) -> list[str]:
        """What a ballot breaks, each as the end of a sentence starting with "voter <id>"."""
        found = self._length_problems(len(projects))
        if approval_like and (self.min_sum_cost is not None or self.max_sum_cost is not None):
            found += self._cost_problems(len(projects), sum(cost[p] for p in projects))
        if points is not None:
            found += self._points_problems(len(projects), points)
        return found

    def _length_problems(self, n: int) -> list[str]:
        found = []
        if self.min_length is not None and n < self.min_length and n > 0:
            found.append(f"chose {n} projects, fewer than min_length {self.min_length}")
        if self.max_length is not None and n > self.max_length:
            found.append(f"chose {n} projects, more than max_length {self.max_length}")
        return found

    def _cost_problems(self, n: int, total: int) -> list[str]:
        found = []
        if self.min_sum_cost is not None and n > 0 and total < self.min_sum_cost:
            found.append(f"chose projects costing {total}, below min_sum_cost")
        if self.max_sum_cost is not None and total > self.max_sum_cost:
            found.append(f"chose projects costing {total}, above max_sum_cost")
        return found

    def _points_problems(self, n: int, points: tuple[Points, ...]) -> list[str]:
        found = []
        for value in points:
            if self.min_points is not None and value < self.min_points:
                found.append(f"gave {value} points, below min_points")
            if self.max_points is not None and value > self.max_points:
                found.append(f"gave {value} points, above max_points")
        total = sum(points)
        if self.min_sum_points is not None and n > 0 and total < self.min_sum_points:
            found.append(f"gave {total} points in all, below min_sum_points")
        if self.max_sum_points is not None and total > self.max_sum_points:
            found.append(f"gave {total} points in all, above max_sum_points")
        return found


def election_to_pabulib(election: Election) -> str:
    """The pabulib text of an election (META keys, PROJECTS and VOTES columns in their original order)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(election.project_columns)
    for p in election.projects:
        row = []
        for col in election.project_columns:
            if col == "project_id":
                row.append(p.id)
            elif col == "cost":
                row.append(str(p.cost))
            else:
                row.append(p.fields.get(col, ""))
        writer.writerow(row)
    out.write("VOTES\n")
    writer.writerow(election.vote_columns)
    for b in election.ballots:
        row = []
        for col in election.vote_columns:
            if col == "voter_id":
                row.append(b.voter_id)
            elif col == "vote":
                row.append(",".join(b.projects))
            elif col == "points" and b.points is not None:
                row.append(",".join(format_number(x) for x in b.points))
            else:
                row.append(b.fields.get(col, ""))
        writer.writerow(row)
    return out.getvalue()


def write_pabulib(election: Election, path: str | Path) -> None:
    Path(path).write_text(election_to_pabulib(election), encoding="utf-8")


def make_election(
    *,
    budget: int,
    vote_type: str,
    projects: list[tuple[str, int]],
    ballots: list[tuple[str, ...]] | list[tuple[tuple[str, ...], tuple[Points, ...]]],
    meta: dict[str, str] | None = None,
) -> Election:
    """Build an election in code (tests, generated instances). Ballots are tuples of project ids, or
    (ids, points) pairs for cumulative / scoring votes."""
    full_meta = {
        "description": "generated",
        "country": "none",
        "unit": "none",
        "instance": "generated",
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": str(budget),
        "vote_type": vote_type,
        "rule": "unknown",
    }
    full_meta.update(meta or {})
    cardinal = vote_type in CARDINAL_TYPES
    made = []
    for i, b in enumerate(ballots):
        if cardinal:
            ids, pts = cast(tuple[tuple[str, ...], tuple[Points, ...]], b)
            made.append(Ballot(str(i + 1), tuple(ids), tuple(pts)))
        else:
            made.append(Ballot(str(i + 1), tuple(cast(tuple[str, ...], b))))
    return Election(
        meta=full_meta,
        projects=tuple(Project(pid, cost) for pid, cost in projects),
        ballots=Ballots.of(made),
        project_columns=("project_id", "cost"),
        vote_columns=("voter_id", "vote", "points") if cardinal else ("voter_id", "vote"),
    )
